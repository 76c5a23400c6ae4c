import { useEffect } from "react";

/** Sets the tab's title for this page: "Model · Paddler". */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Paddler`;
  }, [title]);
}
