"""``arsitek diff``: what a model change does, for the reviewer of a pull request.

Two sides of a model (git revisions or folders) are loaded, validated and viewed by the same
pipeline as every other command. :mod:`.sides` brings each side into a folder of its own, never over
the user's work tree; :mod:`.semantic` compares their statements (so reordering, whitespace and
prefix renames are no difference) into elements added, removed, renamed and changed;
:mod:`.changes` classifies what that means (contracts broken for which consumers, personal data
newly carried, encryption weakened…) with a check id and a severity each; :mod:`.run` ties it
together, reusing the incremental validator so that only the checks a change can reach run again;
:mod:`.report` writes it for a terminal, a pull-request comment, a program (JSON) or code scanning
(SARIF).
"""
