import type { Scenario } from '../support/scenario.js';
import { keepaliveScenarios } from './keepalive.js';
import { receiveScenarios } from './receive.js';
import { threadScenarios } from './threads.js';
import { unixScenarios } from './unix.js';
import { untilScenarios } from './until.js';

/** Every fidelity scenario, in run order. */
export const scenarios: Scenario[] = [...receiveScenarios, ...untilScenarios, ...keepaliveScenarios, ...threadScenarios, ...unixScenarios];
