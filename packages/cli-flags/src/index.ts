export { type Addr, addrFlagSchema, formatAddr, parseAddr } from "./addr.js";
export { CliUsageError } from "./cli-usage-error.js";
export { closestFlag } from "./closest-flag.js";
export { type FlagDefinition, helpFlag, logFormatFlag, logLevelFlag } from "./flag-definition.js";
export {
  integerFlagSchema,
  LOG_FORMATS,
  LOG_LEVELS,
  type LogFormatChoice,
  type LogLevel,
  logFormatFlagSchema,
  logLevelFlagSchema,
  MAX_TIMER_MS,
  resolveLogFormat,
} from "./flag-schemas.js";
export { isHelpRequested } from "./is-help-requested.js";
export { type RawFlagValue, type ReadFlags, readFlags, validateFlags } from "./read-flags.js";
export { renderHelp } from "./render-help.js";
export { type FlagToken, tokenizeFlags } from "./tokenize-flags.js";
