"""Rows of several sheets that arrive mixed from one iterator, handed out one sheet after another."""
import os
# Only files this process wrote, in its own temporary folder, are unpickled.
import pickle  # nosec B403

BATCH = 1000  # rows pickled together: one call per row took 2.5 times as long (measured on a 10k export)


class Spool:
    """Hands out each sheet's rows in order, while the iterator yields a person's rows for every sheet together.

    A workbook writer takes one sheet after another. The sheet being read takes its rows straight from the
    iterator as they come; rows of the other sheets wait in a temporary file per sheet until their turn, so
    memory stays flat whatever the account's size. Sheets may be read in any order, even interleaved.

    `prepare`, {sheet name: prepare(row)}, turns each row into what its sheet hands out, as the row comes from
    the iterator: work done then is done while a caller counting the iterator's rows sees them go by.
    """

    def __init__(self, rows, names, folder, prepare=None):
        """Spool `rows`, an iterable of (sheet name, row), for the sheets `names`, into files in `folder`."""
        self._source = iter(rows)
        self._prepare = prepare or dict.fromkeys(names, _same)
        self._files = {name: open(os.path.join(folder, f"sheet{i}.pickle"), "w+b")
                       for i, name in enumerate(names)}
        self._waiting = {name: [] for name in names}  # rows not yet in the file
        self._ends = dict.fromkeys(names, 0)  # where each file ends (its batches are read from the start)

    def close(self):
        """Close the temporary files (their folder is the caller's to remove)."""
        for handle in self._files.values():
            handle.close()

    def rows(self, name):
        """Yield the sheet's rows in the order the iterator gave them."""
        handle, read_at = self._files[name], 0
        while True:
            if read_at < self._ends[name]:
                handle.seek(read_at)
                batch = pickle.load(handle)  # nosec B301
                read_at = handle.tell()
                yield from batch
            elif self._waiting[name]:
                batch, self._waiting[name] = self._waiting[name], []
                yield from batch
            else:
                row = self._next_of(name)
                if row is None:
                    return
                yield row[0]

    def _next_of(self, name):
        """The iterator's next row of this sheet, as (row,), the others' rows set aside; None at its end."""
        waiting, prepare = self._waiting, self._prepare
        for sheet, row in self._source:
            if sheet == name:
                return (prepare[name](row),)
            rows = waiting.get(sheet)
            if rows is None:
                raise ValueError(f"a row for {sheet!r}, which is not one of the sheets")
            rows.append(prepare[sheet](row))
            if len(rows) >= BATCH:
                self._store(sheet)
        return None

    def _store(self, name):
        """Write the sheet's waiting rows to its file, as one batch."""
        handle = self._files[name]
        handle.seek(self._ends[name])
        pickle.dump(self._waiting[name], handle, pickle.HIGHEST_PROTOCOL)
        self._ends[name] = handle.tell()
        self._waiting[name] = []


def _same(row):
    """The row as it is."""
    return row
