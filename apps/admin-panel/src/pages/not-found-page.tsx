import { Link } from "wouter";
import { usePageTitle } from "../live/use-page-title.js";

export function NotFoundPage() {
  usePageTitle("Not found");
  return (
    <>
      <h1>Not found</h1>
      <p>
        No page here. Go to the <Link href="/">dashboard</Link>.
      </p>
    </>
  );
}
