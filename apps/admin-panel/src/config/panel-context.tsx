import type { PaddlerClient } from "@paddler/client";
import { createContext, type ReactNode, useContext } from "react";
import type { PanelConfig } from "./panel-config.js";

export interface PanelContextValue {
  config: PanelConfig;
  client: PaddlerClient;
}

const PanelContext = createContext<PanelContextValue | null>(null);

export function PanelProvider({ value, children }: { value: PanelContextValue; children: ReactNode }) {
  return <PanelContext value={value}>{children}</PanelContext>;
}

export function usePanel(): PanelContextValue {
  const value = useContext(PanelContext);
  if (!value) throw new Error("usePanel() outside <PanelProvider>");
  return value;
}
