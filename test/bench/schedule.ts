// The paced phase's send times: seeded, so both targets get exactly the same schedule.
import { seededRandom } from "../helpers/seeded-random.js";

/**
 * Send times in ms from the start, below `seconds`, one list per session. Each session sends at
 * intervals drawn uniformly from [m/2, 3m/2], m = sessions / rate, so the sessions together send
 * `rate` turns/s on average. The first send is drawn from the stationary (equilibrium) distribution
 * of that renewal process, density (1 - F(x)) / m, so the aggregate rate is flat from the first
 * second instead of rippling while the sessions fall out of step.
 */
export function pacedSchedule(sessions: number, rate: number, seconds: number, seed: number): number[][] {
  const random = seededRandom(seed);
  const mean = (sessions / rate) * 1000;
  const interval = () => mean / 2 + random() * mean;
  const firstSend = () => {
    // Rejection sampling on [0, 3m/2): density 1/m below m/2, falling linearly to 0 at 3m/2.
    for (;;) {
      const x = random() * 1.5 * mean;
      if (x < mean / 2 || random() < (1.5 * mean - x) / mean) return x;
    }
  };
  const end = seconds * 1000;
  const out: number[][] = [];
  for (let s = 0; s < sessions; s++) {
    const times: number[] = [];
    for (let t = firstSend(); t < end; t += interval()) times.push(t);
    out.push(times);
  }
  return out;
}
