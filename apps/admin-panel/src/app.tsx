import { Link, Route, Switch, useLocation } from "wouter";
import { useAuth, useCredentialStore } from "./auth/auth-context.js";
import { checkManagementToken } from "./auth/check-access.js";
import { SignInForm } from "./auth/sign-in-form.js";
import { PoolSelector } from "./components/pool-selector.js";
import { StateDatabaseBanner } from "./components/state-database-banner.js";
import { serviceUrl } from "./config/panel-config.js";
import { usePanel } from "./config/panel-context.js";
import { MetricsSampler } from "./live/metrics-sampler.js";
import { DashboardPage } from "./pages/dashboard-page.js";
import { ModelPage } from "./pages/model-page.js";
import { NotFoundPage } from "./pages/not-found-page.js";
import { PoolsPage } from "./pages/pools-page.js";
import { PromptPage } from "./pages/prompt-page.js";
import { useSelectedPool } from "./pools/use-selected-pool.js";
import { DEFAULT_POOL } from "./queries/pools.js";

const navigation = [
  ["/", "Dashboard"],
  ["/pools", "Pools"],
  ["/model", "Model"],
  ["/prompt", "Prompt"],
] as const;

/**
 * The shell: skip link, navigation, and the page for the current route. While the management
 * service answers 401, every page gives way to the sign-in form (they all read from it).
 */
export function App() {
  const [location] = useLocation();
  const { config } = usePanel();
  const auth = useAuth();
  const store = useCredentialStore();
  const signedIn = auth.management.credential !== null || auth.inference.credential !== null;
  const managementUrl = serviceUrl(config.managementAddr);
  // The selected pool follows the user from page to page.
  const [pool] = useSelectedPool();
  const poolQuery = pool === DEFAULT_POOL ? "" : `?pool=${encodeURIComponent(pool)}`;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Paddler</span>
        <nav aria-label="Main">
          <ul>
            {navigation.map(([href, label]) => (
              <li key={href}>
                <Link href={`${href}${poolQuery}`} aria-current={location === href ? "page" : undefined}>
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {auth.management.required ? null : <PoolSelector />}
        {signedIn ? (
          <button type="button" className="sign-out" onClick={() => store.signOut()}>
            Sign out
          </button>
        ) : null}
      </header>
      <main id="main" tabIndex={-1}>
        <MetricsSampler />
        {auth.management.required ? (
          <SignInForm
            service="management"
            headingLevel={1}
            check={(token, signal) => checkManagementToken(managementUrl, token, signal)}
          />
        ) : (
          <>
            <StateDatabaseBanner />
            <Switch>
              <Route path="/" component={DashboardPage} />
              <Route path="/pools" component={PoolsPage} />
              <Route path="/model" component={ModelPage} />
              <Route path="/prompt" component={PromptPage} />
              <Route component={NotFoundPage} />
            </Switch>
          </>
        )}
      </main>
    </>
  );
}
