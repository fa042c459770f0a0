/**
 * Reads variables of an env object by type, collecting every problem instead of stopping at the
 * first, so one start-up attempt lists all that is wrong. A bad value is described, not repeated
 * (value-hint.ts).
 */
import { describeValue } from './value-hint.js';

/** One row of a table of environment variables. */
export interface EnvVariable {
  /** The heading `--help` lists it under. */
  group: string;
  /** Used when the variable is unset or empty, and shown by `--help`; empty when there is none. */
  default: string;
  help: string;
  /** Never echoed, in errors or anywhere else. */
  secret?: true;
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface ConfigIssue {
  variable: string;
  message: string;
}

/** The environment cannot work; `message` lists every bad variable, one per line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(issues.map((issue) => `${issue.variable}: ${issue.message}`).join('\n'));
  }
}

export class EnvReader<Name extends string> {
  private readonly issues: ConfigIssue[] = [];

  constructor(
    private readonly env: Env,
    private readonly table: Readonly<Record<Name, EnvVariable>>,
  ) {}

  /** Set and not empty (`ICELANE_STUN_URLS=` is read as a value by {@link list} alone). */
  isSet(name: Name): boolean {
    const value = this.env[name];
    return value !== undefined && value.trim() !== '';
  }

  issue(variable: Name, message: string): void {
    this.issues.push({ variable, message });
  }

  throwIfIssues(): void {
    if (this.issues.length > 0) throw new ConfigError(this.issues);
  }

  /** The values of the secret variables that are set, for redaction. */
  secretValues(): string[] {
    const out: string[] = [];
    for (const [name, variable] of Object.entries<EnvVariable>(this.table)) {
      if (!variable.secret || !this.isSet(name as Name)) continue;
      const value = this.env[name]!.trim();
      out.push(
        value,
        ...value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean),
      );
    }
    return out;
  }

  text(name: Name): string {
    return this.isSet(name) ? this.env[name]!.trim() : this.table[name].default;
  }

  required(name: Name, provider: string): string {
    if (!this.isSet(name)) this.issue(name, `required when the provider is ${provider}`);
    return this.text(name);
  }

  integer(name: Name, min: number, max: number): number {
    const text = this.text(name);
    const value = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(value >= min && value <= max)) {
      this.issue(name, `expected an integer from ${min} to ${max}, got ${this.shown(name, text)}`);
      return min;
    }
    return value;
  }

  /** A rate limit written `burst/perSecond`, e.g. `60/2`: a burst of 60, then 2 a second. */
  rate(name: Name): { burst: number; perSecond: number } {
    const text = this.text(name);
    const match = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(text);
    const burst = Number(match?.[1]);
    const perSecond = Number(match?.[2]);
    if (!match || !(burst >= 1 && burst <= 1_000_000) || !(perSecond <= 1_000_000)) {
      this.issue(
        name,
        `expected burst/perSecond such as 60/2 (burst 1 to 1000000), got ${this.shown(name, text)}`,
      );
      return { burst: 1, perSecond: 0 };
    }
    return { burst, perSecond };
  }

  choice<const T extends string>(name: Name, allowed: readonly T[]): T {
    const text = this.text(name);
    if ((allowed as readonly string[]).includes(text)) return text as T;
    const named = allowed.filter(Boolean).join(', ');
    this.issue(name, `expected one of ${named}, got ${this.shown(name, text)}`);
    return allowed[0]!;
  }

  url(name: Name): string {
    const text = this.text(name);
    if (!/^https?:\/\//.test(text) || !URL.canParse(text)) {
      this.issue(name, `expected an http(s) URL, got ${this.shown(name, text)}`);
    }
    return text;
  }

  /**
   * A comma-separated list; each item must pass `valid`. With `emptyIsValue`, a variable set to
   * an empty string is an empty list rather than unset.
   */
  list(
    name: Name,
    valid: (item: string) => boolean,
    expected: string,
    emptyIsValue = false,
  ): string[] {
    const raw = this.env[name];
    const text = emptyIsValue && raw !== undefined ? raw.trim() : this.text(name);
    const items = text
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    const bad = items.filter((item) => !valid(item));
    if (bad.length > 0) {
      const what = this.isSecret(name)
        ? `${bad.length} item(s)`
        : bad.map((item) => describeValue(item)).join(', ');
      this.issue(name, `each item must be ${expected}; not ${what}`);
    }
    return items.filter(valid);
  }

  private isSecret(name: Name): boolean {
    return this.table[name].secret === true;
  }

  /** A value for an error message: described (value-hint.ts), or hidden for a secret. */
  private shown(name: Name, value: string): string {
    if (this.isSecret(name)) return 'a value not shown (it is secret)';
    return describeValue(value);
  }
}

/** Lists every variable of `table` under its group's title, with its default. */
export function formatHelp(
  usage: readonly string[],
  table: Readonly<Record<string, EnvVariable>>,
  titles: Readonly<Record<string, string>>,
): string {
  const lines = [...usage];
  let group = '';
  for (const [name, variable] of Object.entries(table)) {
    if (variable.group !== group) {
      group = variable.group;
      lines.push('', `${titles[group] ?? group}:`);
    }
    const shown = variable.default === '' ? '' : ` (default: ${variable.default})`;
    lines.push(`  ${name}${shown}`, `      ${variable.help}`);
  }
  return lines.join('\n') + '\n';
}
