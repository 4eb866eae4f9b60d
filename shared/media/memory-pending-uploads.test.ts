import { MemoryPendingUploads } from "./memory-pending-uploads.js";
import { describePendingUploadsContract } from "./pending-uploads.contract.js";

describePendingUploadsContract("memory", async () => {
  const clock = { now: 1_800_000_000_000 };
  return { uploads: new MemoryPendingUploads({ now: () => clock.now }), clock, pass: async (ms) => void (clock.now += ms) };
});
