import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import { phoneHint, qrModules, qrPath, qrSvg } from './share-qr.js';

/** What a camera sees: the modules as black and white pixels, 4 per module. */
function decode(modules: boolean[][]): string | null {
  const scale = 4;
  const size = modules.length * scale;
  const pixels = new Uint8ClampedArray(size * size * 4);
  for (let i = 0; i < size * size; i++) {
    const dark = modules[Math.floor(i / size / scale)]![Math.floor((i % size) / scale)];
    pixels.fill(dark ? 0 : 255, i * 4, i * 4 + 3);
    pixels[i * 4 + 3] = 255;
  }
  return jsQR(pixels, size, size)?.data ?? null;
}

describe('share link QR code', () => {
  const link = 'https://192.168.1.20:8443/?room=room-k3x9zz&relay=1';

  it('decodes to the share link', () => {
    expect(decode(qrModules(link))).toBe(link);
  });

  it('keeps a light quiet zone of four modules around the code', () => {
    const modules = qrModules(link);
    for (const row of [...modules.slice(0, 4), ...modules.slice(-4)]) {
      expect(row.every((dark) => !dark)).toBe(true);
    }
    for (const row of modules) {
      expect([...row.slice(0, 4), ...row.slice(-4)].some(Boolean)).toBe(false);
    }
  });

  it('draws exactly the dark modules, a run of them as one rectangle', () => {
    expect(qrPath([[true, true, false, true]])).toBe('M0 0h2v1h-2zM3 0h1v1h-1z');
    const modules = qrModules(link);
    const dark = modules.flat().filter(Boolean).length;
    const area = [...qrPath(modules).matchAll(/h(\d+)v1/g)].reduce((sum, m) => sum + +m[1]!, 0);
    expect(area).toBe(dark);
    expect(qrSvg(link)).toContain(`viewBox="0 0 ${modules.length} ${modules.length}"`);
  });
});

describe('phone hint', () => {
  it('says a loopback link cannot be opened from a phone', () => {
    expect(phoneHint('http://127.0.0.1:8080/?room=a')).toMatch(/cannot open 127\.0\.0\.1/);
    expect(phoneHint('http://localhost:5173/?room=a')).toMatch(/cannot open localhost/);
  });

  it('warns that plain http on the network gives a phone no camera', () => {
    expect(phoneHint('http://192.168.1.20:8080/?room=a')).toMatch(/no camera/);
  });

  it('has nothing to say about an https link on the network', () => {
    expect(phoneHint('https://192.168.1.20:8443/?room=a')).toBeNull();
    expect(phoneHint('https://demo.example.com/?room=a')).toBeNull();
  });
});
