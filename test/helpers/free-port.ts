export { freePort } from "../../shared/net/free-port.js";
