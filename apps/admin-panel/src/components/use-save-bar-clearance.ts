import { type RefObject, useEffect } from "react";

/**
 * Keeps a bar stuck to the viewport's bottom (a form's save bar) from hiding the focused field:
 * the page's scroll-padding-bottom follows the bar's height, so focusing a field (Tab, a click, the
 * first invalid field) scrolls it above the bar, at every width the bar wraps to.
 */
export function useSaveBarClearance(bar: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const element = bar.current;
    if (!element) return;
    const root = document.documentElement;
    const observer = new ResizeObserver(() => {
      root.style.scrollPaddingBottom = `${Math.ceil(element.getBoundingClientRect().height)}px`;
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      root.style.scrollPaddingBottom = "";
    };
  }, [bar]);
}
