import type { Scenario } from '../context.js';
import { agentIdleScenario } from './agent-idle.js';
import { apiScenario } from './api.js';
import { applyRunningScenario } from './apply-running.js';
import { coldStartScenario } from './cold-start.js';
import { dnsScenario } from './dns.js';
import { failoverScenario } from './failover.js';
import { idleDiskScenario } from './idle-disk.js';
import { podNetworkScenario } from './pod-network.js';
import { fleetScenario } from './fleet.js';
import { schedulerScenario } from './scheduler.js';
import { serverIdleScenario } from './server-idle.js';

/** In the order they run: cheap and pure first, the fleet last. */
export const scenarios: Scenario[] = [schedulerScenario, dnsScenario, coldStartScenario, serverIdleScenario, agentIdleScenario, applyRunningScenario, podNetworkScenario, apiScenario, failoverScenario, idleDiskScenario, fleetScenario];
