// Converse is bidirectional, which HTTP/1.1 cannot carry: Connect answers it with a bare HTTP 505,
// which a gRPC-web caller can only read as an unknown failure. This answers it the gRPC-web way (a
// trailers-only response) with Unimplemented and the calls to use instead.
import type { IncomingMessage, ServerResponse } from "node:http";
import { Code, ConnectError } from "@connectrpc/connect";
import { contentTypeRegExp, setTrailerStatus } from "@connectrpc/connect/protocol-grpc-web";
import { RuntimeService } from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";

const CONVERSE_PATH = `/${RuntimeService.typeName}/${RuntimeService.method.converse.name}`;

export function isGrpcWebConverse(request: IncomingMessage): boolean {
  return request.url === CONVERSE_PATH && contentTypeRegExp.test(request.headers["content-type"] ?? "");
}

/** Answers the call with `refusal` (Unauthenticated), or else with Unimplemented. */
export function refuseConverse(response: ServerResponse, refusal: ConnectError | undefined): void {
  const headers = new Headers({ "content-type": "application/grpc-web+proto", connection: "close" });
  setTrailerStatus(
    headers,
    refusal ?? new ConnectError("Converse is bidirectional and needs HTTP/2 gRPC (port 9000); over gRPC-web use ConverseTurn and SendTurnInput", Code.Unimplemented),
  );
  response.writeHead(200, Object.fromEntries(headers));
  response.end();
}
