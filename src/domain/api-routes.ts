// API routes: the prefix every HTTP function answers under, shared by links built in the domain and the HTTP layer.
export const API_PREFIX = '/api';
