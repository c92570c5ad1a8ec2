"""Partners on different servers: ``workplan sync`` over git and the record-by-record merge.

``merge`` merges two copies of a partnership (the data file and its activity log) against
their common version; it is pure. ``driver`` reads and checks the three copies (from files,
or from git's objects when git runs workplan as its merge driver) and writes the result.
``git`` runs the real ``git`` binary; ``run`` is ``workplan sync`` itself; ``state`` is what
the board reads to say when the file was last synced. Nothing here imports the UI.
"""
