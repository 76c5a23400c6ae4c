import { Link } from "wouter";

export function NotFoundPage() {
  return (
    <>
      <h1>Not found</h1>
      <p>
        No page here. Go to the <Link href="/">dashboard</Link>.
      </p>
    </>
  );
}
