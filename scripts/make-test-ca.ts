// Creates (once) the local CA the test suite trusts through NODE_EXTRA_CA_CERTS. Tests that
// start wpslink seed their workspace with it, so SDK clients in the test processes trust every
// wpslink listener without per-test set-up.
import { loadOrCreateLocalCa } from "../src/pki/localCa.js";

const directory = process.argv[2];
if (!directory) {
  process.stderr.write("usage: make-test-ca.ts <directory>\n");
  process.exit(2);
}
const ca = loadOrCreateLocalCa(directory);
process.stdout.write(`${ca.certPath}\n`);
