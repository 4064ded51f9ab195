/**
 * Shared contracts of the istio-upgrade plugins: REST API types and client, request states, permissions,
 * the Istio release table and the pure Istio rules (versions, revisions, skew, end of life, injection).
 *
 * @packageDocumentation
 */

export * from './permissions';
export * from './schema';
export * from './client';
export * from './requests';
export * from './releases';
export * from './versions';
export * from './support';
export * from './skew';
export * from './injection';
export * from './labels';
export * from './inventory';
