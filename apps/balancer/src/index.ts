export {
  type BalancerConfig,
  balancerFlags,
  balancerHelp,
  parseBalancerConfig,
} from "./config/balancer-config.js";
export {
  type BalancerSettings,
  type RunningBalancer,
  type ServiceAddr,
  type StartBalancerOptions,
  startBalancer,
} from "./start-balancer.js";
