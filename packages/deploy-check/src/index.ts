export { type RenderChartOptions, type RenderedManifest, renderChart } from "./helm/render-chart.js";
export { validateComposeFile } from "./schemas/validate-compose-file.js";
export {
  ManifestValidationError,
  validateKubernetesManifest,
} from "./schemas/validate-kubernetes-manifest.js";
