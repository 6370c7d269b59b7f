#!/bin/sh
# The changelog rule for the peers: staged src/ changes need a staged fragment in changelog.d/.
staged=$(git diff --cached --name-only --diff-filter=ACMRD)
printf '%s\n' "$staged" | grep -q '^src/' || exit 0
printf '%s\n' "$staged" | grep -Eq '^changelog\.d/[A-Za-z0-9._-]+\.(feature|bugfix|removal|doc|misc)(\.(md|rst|txt))?$' && exit 0
echo "a change under src/ needs a changelog fragment in changelog.d/" >&2
exit 1
