// The kit's fault proxy, with every fault it injects counted for the reliability summary.
import { faultProxy, type FaultProxy } from '@cosocket/test-kit';
import { count } from './stats.js';

export function countedFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  return faultProxy(target, { onFault: (n) => count('faultsInjected', n) });
}
