// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it (client-node
// has no helper): acquire the Lease when it is free or expired, renew it while leading, stop leading
// when renewals fail for longer than the renew deadline, and release it on a clean stop.
import { ApiException, type CoordinationV1Api, type V1Lease } from "@kubernetes/client-node";

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  /** This process, e.g. the pod name. */
  identity: string;
  /** How long a Lease stays ours without renewal. Default 15 s. */
  leaseDurationSeconds?: number;
  /** Renewals that keep failing for this long end our leadership. Default 10 s. */
  renewDeadlineMs?: number;
  /** Pause between acquire attempts and between renewals. Default 2 s. */
  retryPeriodMs?: number;
  onStartedLeading: () => void;
  /** Called when leadership is lost or released; may return a promise the stop waits for. */
  onStoppedLeading: () => void | Promise<void>;
  onError?: (err: unknown) => void;
  now?: () => Date;
}

function isCode(err: unknown, code: number): boolean {
  return err instanceof ApiException && err.code === code;
}

export class LeaderElector {
  private leading = false;
  private stopped = false;
  private lastRenew = 0;
  private timer: NodeJS.Timeout | undefined;
  private tick: Promise<void> = Promise.resolve();

  constructor(
    private readonly api: CoordinationV1Api,
    private readonly options: LeaderElectionOptions,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops campaigning; a leader stops leading, then releases the Lease so another takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.tick;
    if (!this.leading) return;
    this.leading = false;
    await this.options.onStoppedLeading();
    await this.release().catch((err: unknown) => this.options.onError?.(err));
  }

  private get durationSeconds(): number {
    return this.options.leaseDurationSeconds ?? 15;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.tick = this.round().finally(() => this.schedule(this.options.retryPeriodMs ?? 2000));
    }, delayMs);
  }

  private async round(): Promise<void> {
    let held: boolean;
    try {
      held = await this.tryAcquireOrRenew();
    } catch (err) {
      this.options.onError?.(err);
      held = false;
      // A leader keeps leading through short API trouble, up to the renew deadline.
      if (this.leading && Date.now() - this.lastRenew < (this.options.renewDeadlineMs ?? 10_000)) return;
    }
    if (this.stopped) return;
    if (held) {
      this.lastRenew = Date.now();
      if (!this.leading) {
        this.leading = true;
        this.options.onStartedLeading();
      }
    } else if (this.leading) {
      this.leading = false;
      await this.options.onStoppedLeading();
    }
  }

  /** True when the Lease is ours after this attempt. Throws on API errors other than a lost race. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity } = this.options;
    const now = this.now();
    let lease: V1Lease;
    try {
      lease = await this.api.readNamespacedLease({ name, namespace });
    } catch (err) {
      if (!isCode(err, 404)) throw err;
      const body: V1Lease = {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name, namespace },
        spec: { holderIdentity: identity, leaseDurationSeconds: this.durationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 },
      };
      try {
        await this.api.createNamespacedLease({ namespace, body });
        return true;
      } catch (createErr) {
        if (isCode(createErr, 409)) return false;
        throw createErr;
      }
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? "";
    const ours = holder === identity;
    if (!ours && holder !== "" && !this.expired(spec, now)) return false;
    const next: V1Lease = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: this.durationSeconds,
        renewTime: now,
        ...(ours ? {} : { acquireTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 }),
      },
    };
    try {
      // metadata.resourceVersion makes this a compare-and-swap: a concurrent taker gets 409.
      await this.api.replaceNamespacedLease({ name, namespace, body: next });
      return true;
    } catch (err) {
      if (isCode(err, 409)) return false;
      throw err;
    }
  }

  private expired(spec: NonNullable<V1Lease["spec"]>, now: Date): boolean {
    const renewed = spec.renewTime ?? spec.acquireTime;
    if (renewed === undefined) return true;
    const duration = (spec.leaseDurationSeconds ?? this.durationSeconds) * 1000;
    return new Date(renewed).getTime() + duration < now.getTime();
  }

  private async release(): Promise<void> {
    const { namespace, name, identity } = this.options;
    const lease = await this.api.readNamespacedLease({ name, namespace });
    if (lease.spec?.holderIdentity !== identity) return;
    const { holderIdentity: _drop, ...rest } = lease.spec;
    await this.api.replaceNamespacedLease({ name, namespace, body: { ...lease, spec: { ...rest, leaseDurationSeconds: 1, renewTime: this.now() } } });
  }
}
