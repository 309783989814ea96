/** The headers `serve` sets by rule (not validators or lengths): nginx and static hosts must send each the same. */
export const RULE_HEADERS = [
  'cache-control',
  'vary',
  'x-content-type-options',
  'content-security-policy',
  'referrer-policy',
  'x-frame-options',
  'access-control-allow-origin',
];
