// Transitional: the operator auth moved to ./auth/operator-auth.ts. The resource route groups
// still import it from here until their own move (issue 11, admin-b); the lead drops this file at merge.
export { requireOperator, requireOrg, type Operator, type Role } from './auth/operator-auth.ts';
