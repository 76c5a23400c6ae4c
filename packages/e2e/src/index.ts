export { contentText, postJson, readNdjson, waitUntil } from "./ndjson.js";
export { startTestCluster, type TestCluster, testDesiredState } from "./test-cluster.js";
export { repoRoot, simpleChatTemplate, testModelPath } from "./test-model.js";
