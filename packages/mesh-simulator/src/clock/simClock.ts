/**
 * The simulated clock shared by every cluster of one simulator. Simulated time runs `speed`
 * times faster than real time, so a rolling restart that takes a minute of cluster time can
 * finish in seconds of test time. Changing the speed re-anchors the clock so simulated time
 * never jumps.
 *
 * @public
 */
export class SimClock {
  private anchorReal = Date.now();
  private anchorSim = Date.now();

  constructor(private currentSpeed = 1) {
    if (!(currentSpeed > 0)) {
      throw new Error(`speed must be a positive number, got ${currentSpeed}`);
    }
  }

  /** Simulated milliseconds since the epoch. */
  now(): number {
    return this.anchorSim + (Date.now() - this.anchorReal) * this.currentSpeed;
  }

  /** Simulated now as a Date, for timestamps in objects. */
  date(): Date {
    return new Date(Math.floor(this.now() / 1000) * 1000);
  }

  get speed(): number {
    return this.currentSpeed;
  }

  setSpeed(speed: number) {
    if (!(speed > 0) || !Number.isFinite(speed)) {
      throw new Error(`speed must be a positive number, got ${speed}`);
    }
    this.anchorSim = this.now();
    this.anchorReal = Date.now();
    this.currentSpeed = speed;
  }
}
