// API names: the route prefix and the identity header, shared by the domain, the use cases and the HTTP layer.
export const API_PREFIX = '/api';

// App Service authentication sets this header and drops any copy a client sends; without it, it is a plain claim.
export const PRINCIPAL_HEADER = 'x-ms-client-principal-name';
