import { SimClock } from '../clock/simClock';
import { ControlPlanes } from '../istio/controlPlanes';
import { KubeObject } from '../store/kubeObject';
import { ObjectStore } from '../store/objectStore';
import { ControllerLoop } from './controllerLoop';

/**
 * What every controller of a simulated cluster shares.
 *
 * @public
 */
export interface ClusterContext {
  name: string;
  store: ObjectStore;
  loop: ControllerLoop;
  clock: SimClock;
  controlPlanes: ControlPlanes;
  /** While a scenario loads, pods are created scheduled and ready at once. */
  instant: boolean;
  allocatePodIP(): string;
  /** Records a core/v1 Event about an object. */
  recordEvent(
    object: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    component: string,
  ): void;
  log(message: string): void;
}

/** Simulated now as an RFC 3339 timestamp with second precision, as Kubernetes writes them. */
export function timestamp(ctx: ClusterContext): string {
  return ctx.clock
    .date()
    .toISOString()
    .replace(/\.\d+Z$/, 'Z');
}
