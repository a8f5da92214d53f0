// The process log: pino (structured JSON, cheap when a level is off) on stderr, so stdout stays
// free for the start-up summary that scripts parse.
import { pino, destination, type Logger } from "pino";

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { name: "wpslink" } }, destination({ fd: 2, sync: false }));
}
