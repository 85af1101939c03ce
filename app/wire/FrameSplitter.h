#pragma once

#include "FrameHeader.h"

// Cuts one direction of a WebSocket stream into frames without decoding them: each piece it hands
// out is a whole frame header or a run of one frame's payload, so the proxy can forward, hold or
// drop frames byte for byte (masking, RSV bits, compression untouched). A header split across reads
// is gathered here and handed out whole. Judging frames (limits, opcodes, UTF-8) is FrameParser's
// job; the splitter reads headers only, with the same FrameHeader. Sans-I/O.
class FrameSplitter
{
public:
    struct Piece
    {
        const char *data = nullptr; // into the caller's bytes, or into the splitter (a header)
        qint64 size = 0; // 0: the bytes consumed were part of a header still incomplete
        bool isHeader = false; // a whole frame header: frame() describes it
        bool endsFrame = false; // the frame's last byte is in this piece
    };

    // Takes the next piece from data (size > 0); returns how many of these bytes it used.
    qint64 next(const char *data, qint64 size, Piece *piece);
    // The frame the latest piece belongs to.
    const FrameHeader &frame() const { return m_frame; }
    // True between frames (no header or payload half-read).
    bool isBetweenFrames() const { return m_remaining == 0 && m_have == 0; }
    // Payload bytes of the current frame not seen yet.
    qint64 remaining() const { return m_remaining; }

private:
    FrameHeader m_frame;
    unsigned char m_header[FrameHeader::MaxSize];
    int m_have = 0;
    qint64 m_remaining = 0;
};
