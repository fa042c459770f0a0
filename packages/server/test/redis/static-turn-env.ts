/** A TURN server with a fixed login, so every join answer carries TURN. */
export const STATIC_TURN_ENV = {
  ICELANE_STUN_URLS: 'stun:127.0.0.1:3478',
  ICELANE_STATIC_TURN_URLS: 'turn:127.0.0.1:3478?transport=udp',
  ICELANE_STATIC_TURN_USERNAME: 'icelane-user',
  ICELANE_STATIC_TURN_CREDENTIAL: 'icelane-static-credential',
};
