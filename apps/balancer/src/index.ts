export { type BalancerSettings, balancerSettingsDefaults, type ServiceAddr } from "./balancer-settings.js";
export {
  type BalancerConfig,
  balancerAddrFlags,
  balancerFlags,
  balancerHelp,
  parseBalancerConfig,
} from "./config/balancer-config.js";
export {
  type RunningBalancer,
  type StartBalancerOptions,
  startBalancer,
} from "./start-balancer.js";
