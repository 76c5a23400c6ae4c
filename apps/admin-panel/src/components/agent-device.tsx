import type { AgentControllerSnapshot } from "@paddler/client";
import { formatBytes } from "./format-bytes.js";
import { UsageBar } from "./usage-bar.js";

type DeviceStatus = NonNullable<AgentControllerSnapshot["device"]>;
type Device = DeviceStatus["devices"][number];

function memoryText(device: Device): string {
  return `${formatBytes(device.memory_used_bytes)} of ${formatBytes(device.memory_total_bytes)}`;
}

/**
 * The agent's first compute device in one line for its row: backend, memory in use and
 * utilisation where the driver tells it. Paddler's agents report no device: nothing is shown.
 */
export function AgentDeviceSummary({ device }: { device: DeviceStatus | undefined }) {
  const first = device?.devices[0];
  if (device === undefined || first === undefined) return null;
  const more = device.devices.length - 1;
  return (
    <span className="agent-device muted small" data-testid="agent-device" title={first.name}>
      {device.backend} · {memoryText(first)}
      {first.utilization_percent === null ? null : <> · {Math.round(first.utilization_percent)}% busy</>}
      {more > 0 ? <> · +{more} more</> : null}
    </span>
  );
}

/** Every device of the agent with its memory and utilisation, for the agent's details. */
export function AgentDeviceDetails({ device }: { device: DeviceStatus | undefined }) {
  if (device === undefined)
    return (
      <p className="muted small">
        This agent does not report its device (a Paddler agent or an upstream engine).
      </p>
    );
  return (
    <>
      <p className="small">
        Backend: <strong data-testid="agent-device-backend">{device.backend}</strong>
      </p>
      <ul className="device-list" data-testid="agent-device-list">
        {device.devices.map((item, index) => (
          // Two identical GPUs share a name: their place keeps them apart.
          // biome-ignore lint/suspicious/noArrayIndexKey: the list's order is the agent's device order
          <li key={index}>
            <span className="device-name">{item.name}</span>
            <span className="small">
              {" "}
              memory {memoryText(item)}
              {item.utilization_percent === null ? (
                <span className="muted">, utilisation not reported</span>
              ) : (
                <>, {item.utilization_percent}% busy</>
              )}
            </span>
            <UsageBar
              value={item.memory_used_bytes}
              max={item.memory_total_bytes}
              label={`${item.name}: memory in use`}
            />
          </li>
        ))}
      </ul>
    </>
  );
}
