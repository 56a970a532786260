// Package iampolicy parses AWS IAM policy documents and evaluates requests against them
// the way AWS documents its policy evaluation logic.
//
// # Overview
//
// [Parse] turns a policy document (identity policy, resource policy, permissions boundary,
// service control policy or session policy) into a [Policy], reporting the first problem
// with its line, column and JSON path as a [*ParseError]. [Evaluate] decides one [Request]
// against every policy that applies to it, gathered in an [Input], and names the
// statements that decided the outcome.
//
// Evaluation follows AWS's order: an explicit Deny in any policy wins; service control
// policies, permissions boundaries and session policies filter what identity policies
// grant; within one account, identity and resource policy allows combine; across accounts
// both sides must allow.
//
// Condition key names are compared case-insensitively. Policy variables such as
// ${aws:username} are replaced only in documents whose Version is 2012-10-17; in any other
// document they are literal text, as in AWS.
package iampolicy
