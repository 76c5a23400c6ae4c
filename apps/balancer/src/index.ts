export {
  type BalancerSettings,
  type RunningBalancer,
  type ServiceAddr,
  type StartBalancerOptions,
  startBalancer,
} from "./start-balancer.js";
