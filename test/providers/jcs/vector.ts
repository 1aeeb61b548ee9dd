/** The worked signature vector of docs/providers/jcs.md ("What the simulator plays"). */
export const VECTOR = {
  accessKey: '0123456789abcdef0123456789abcdef',
  secretKey: 'fedcba9876543210fedcba9876543210',
  at: Date.UTC(2016, 8, 16, 12, 0, 0),
  params: {
    Action: 'AssignUserToGroup',
    UserName: 'alice',
    GroupName: 'devs',
    JCSAccessKeyId: '0123456789abcdef0123456789abcdef',
    SignatureVersion: '2',
    SignatureMethod: 'HmacSHA256',
    Version: '2016-09-15',
    Timestamp: '2016-09-16T12:00:00Z',
  },
  hostWithPort: 'iam.ind-west-1.jiocloudservices.com:15000',
  host: 'iam.ind-west-1.jiocloudservices.com',
  signatureWithPort: 'wlSCZLLGG8ifiYCRwmMWwyzmB8AG2PxpCYkoLVuyCws=',
  signatureWithoutPort: 'KTNIa56fTahuEmQGcD8iyG+8bNVJCE6rgoC4hgC+D0g=',
} as const;
