// Structured logs for the keeper: one JSON object per line (`ts`, `level`, `event`, then the event's fields).
// bigints are written as decimal strings, errors as their message.

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export const isLogLevel = (value: string): value is LogLevel => value in ORDER;

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) {
    const short = (value as { shortMessage?: unknown }).shortMessage;
    return typeof short === "string" ? short : value.message;
  }
  return value;
}

/** A logger writing JSON lines (default to stdout) at `level` and above. */
export function createJsonLogger(
  options: { level?: LogLevel; write?: (line: string) => void; now?: () => Date } = {},
): Logger {
  const min = ORDER[options.level ?? "info"];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const emit =
    (level: LogLevel) =>
    (event: string, fields: LogFields = {}) => {
      if (ORDER[level] < min) return;
      write(JSON.stringify({ ts: now().toISOString(), level, event, ...fields }, replacer));
    };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}

/** A logger that keeps the records in memory (tests, the demo). */
export function createMemoryLogger(level: LogLevel = "debug"): Logger & { records: LogFields[] } {
  const records: LogFields[] = [];
  const logger = createJsonLogger({ level, write: (line) => records.push(JSON.parse(line) as LogFields) });
  return { ...logger, records };
}
