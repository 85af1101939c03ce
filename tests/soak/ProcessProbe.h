#pragma once

#include <QStringList>

// What the soak test watches about its own process: resident memory and live threads (Linux).
namespace ProcessProbe {

// Resident set size in bytes, after returning freed heap pages to the system so that what is
// measured is memory still in use rather than the allocator's free lists.
qint64 residentBytes();
// Threads alive in this process right now, and their names.
int threadCount();
QStringList threadNames();
// Bytes the heap has handed out and not had back (glibc's mallinfo2, every arena); unlike the
// resident size it does not depend on how the allocator's free lists happen to be laid out.
// -1 where it cannot be known (under AddressSanitizer, whose allocator replaces glibc's).
qint64 heapInUseBytes();

} // namespace ProcessProbe
