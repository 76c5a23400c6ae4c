import { Link, Route, Switch, useLocation } from "wouter";
import { MetricsSampler } from "./live/metrics-sampler.js";
import { DashboardPage } from "./pages/dashboard-page.js";
import { ModelPage } from "./pages/model-page.js";
import { NotFoundPage } from "./pages/not-found-page.js";
import { PromptPage } from "./pages/prompt-page.js";

const navigation = [
  ["/", "Dashboard"],
  ["/model", "Model"],
  ["/prompt", "Prompt"],
] as const;

/** The shell: skip link, navigation, and the page for the current route. */
export function App() {
  const [location] = useLocation();
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
                <Link href={href} aria-current={location === href ? "page" : undefined}>
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <MetricsSampler />
        <Switch>
          <Route path="/" component={DashboardPage} />
          <Route path="/model" component={ModelPage} />
          <Route path="/prompt" component={PromptPage} />
          <Route component={NotFoundPage} />
        </Switch>
      </main>
    </>
  );
}
