import { Agent, request } from "node:http";

// The bench's HTTP client: node:http with kept-alive connections. undici's fetch and its Web
// stream reader cost the client about 1 ms per request here, which a latency figure would then
// count as the server's.
export const keepAliveAgent = new Agent({ keepAlive: true });

/** POSTs a JSON body and resolves with the whole answer's text (status 200 only). */
export function postText(url: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: "POST",
        agent: keepAliveAgent,
        headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (part: string) => {
          text += part;
        });
        response.on("end", () =>
          response.statusCode === 200
            ? resolve(text)
            : reject(new Error(`${url} answered ${response.statusCode}`)),
        );
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}
