#include "FrameSplitter.h"

#include <cstring>

qint64 FrameSplitter::next(const char *data, qint64 size, Piece *piece)
{
    *piece = Piece();
    if (m_remaining > 0) {
        const qint64 n = qMin(m_remaining, size);
        m_remaining -= n;
        piece->data = data;
        piece->size = n;
        piece->endsFrame = m_remaining == 0;
        return n;
    }
    const auto *bytes = reinterpret_cast<const unsigned char *>(data);
    const unsigned char *header;
    qint64 used;
    if (m_have == 0 && size >= FrameHeader::MinSize && size >= FrameHeader::sizeFrom(bytes)) {
        header = bytes; // the whole header is here
        used = FrameHeader::sizeFrom(bytes);
    } else {
        used = 0;
        while (used < size && m_have < FrameHeader::MinSize)
            m_header[m_have++] = bytes[used++];
        if (m_have < FrameHeader::MinSize)
            return used;
        const qint64 take = qMin<qint64>(FrameHeader::sizeFrom(m_header) - m_have, size - used);
        std::memcpy(m_header + m_have, bytes + used, size_t(take));
        m_have += int(take);
        used += take;
        if (m_have < FrameHeader::sizeFrom(m_header))
            return used;
        header = m_header;
        m_have = 0;
    }
    if (!m_frame.parse(header))
        m_frame.length = 0; // the parser names the fault; nothing more of this frame is split
    m_remaining = m_frame.length;
    piece->data = reinterpret_cast<const char *>(header);
    piece->size = m_frame.size;
    piece->isHeader = true;
    piece->endsFrame = m_remaining == 0;
    return used;
}
