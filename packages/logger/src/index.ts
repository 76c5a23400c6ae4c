export {
  type CreateLoggerOptions,
  createLogger,
  type LogFields,
  type LogFormat,
  type Logger,
  type LogLevel,
  logFormats,
  logLevels,
  silentLogger,
} from "./logger.js";
