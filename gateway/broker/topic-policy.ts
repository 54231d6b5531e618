import {
  deviceTopicPrefix,
  isDeviceSubscriptionAllowed,
  isValidDeviceId,
  isUplinkKind,
  parseDeviceTopic,
  type UplinkKind,
} from '../../contracts/index.js';

export type PublishDecision =
  | { allowed: true; kind: UplinkKind }
  | { allowed: false; code: 'topic_not_allowed' | 'unknown_topic'; reason: string };

/**
 * Where a device may publish: only its own up topics. Anything under its own prefix that is not
 * an up topic is `unknown_topic`; anything else is `topic_not_allowed`.
 */
export function decidePublish(deviceId: string, topic: string): PublishDecision {
  const parsed = parseDeviceTopic(topic);
  if (parsed && parsed.deviceId === deviceId && isUplinkKind(parsed.kind)) {
    return { allowed: true, kind: parsed.kind };
  }
  // A Will is judged before authentication, when the client id may not be a device id at all.
  if (!isValidDeviceId(deviceId)) {
    return { allowed: false, code: 'topic_not_allowed', reason: 'the client id is not a valid device id' };
  }
  const ownPrefix = deviceTopicPrefix(deviceId);
  if (topic.startsWith(ownPrefix)) {
    return {
      allowed: false,
      code: 'unknown_topic',
      reason: `devices may publish only to telemetry, events and command-results under ${ownPrefix}`,
    };
  }
  return {
    allowed: false,
    code: 'topic_not_allowed',
    reason: `a device may publish only under its own prefix ${ownPrefix}`,
  };
}

export function decideSubscribe(deviceId: string, topicFilter: string): boolean {
  return isDeviceSubscriptionAllowed(deviceId, topicFilter);
}
