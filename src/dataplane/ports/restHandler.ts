// The port between the data-plane listener and the server REST API (`/api/...`): the listener
// hands every plain HTTP request to it. `dataplane/rest` implements it.
import type { IncomingMessage, ServerResponse } from "node:http";

export type RestHandler = (request: IncomingMessage, response: ServerResponse) => void;
