"""Item analysis of a quiz's attempts (docs/assessments.md#item-analysis).

`statistics` is pure numpy over a score matrix (attempts x questions); the rest of the
package loads that matrix from the database, runs it as a job and stores the result.
"""
