/**
 * The istio-upgrade backend plugin.
 *
 * @packageDocumentation
 */

export { istioUpgradePlugin as default } from './plugin';
