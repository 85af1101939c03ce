// Mock rules (`serve --rules FILE.json`, models/MockRules) from any file, and any client message
// answered by the rules accepted. The input is the rules file, then a NUL byte, then the message.
// Properties: refused rules say why and keep nothing; accepted rules are 1..MaxRules; an answer
// names an existing rule, a delay within bounds, a sendable close code and a reason a close frame
// can carry; the same message is answered the same way twice; a binary message (which matches
// only rules without "match") is answered by no earlier rule than the same bytes as text.
#include "CloseCode.h"
#include "FuzzCheck.h"
#include "MockRules.h"

#include <cstdint>

namespace {

bool sameAnswer(const MockRules::Answer &a, const MockRules::Answer &b)
{
    return a.matched == b.matched && a.rule == b.rule && a.hasReply == b.hasReply
        && a.reply == b.reply && a.delayMs == b.delayMs && a.close == b.close
        && a.closeCode == b.closeCode && a.closeReason == b.closeReason;
}

void checkAnswer(const MockRules &rules, const MockRules::Answer &a)
{
    if (!a.matched) {
        FUZZ_CHECK(a.rule == -1 && !a.hasReply && !a.close);
        return;
    }
    FUZZ_CHECK(a.rule >= 0 && a.rule < rules.size());
    FUZZ_CHECK(a.hasReply || a.close);
    FUZZ_CHECK(a.delayMs >= 0 && a.delayMs <= MockRules::MaxDelayMs);
    if (a.close) {
        FUZZ_CHECK(CloseCode::isSendable(a.closeCode));
        FUZZ_CHECK(a.closeReason.toUtf8().size() <= 123);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MockRules::MaxFileBytes)
        return 0;
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype nul = input.indexOf('\0');
    const QByteArray file = nul < 0 ? input : input.left(nul);
    const QByteArray message = nul < 0 ? QByteArray() : input.mid(nul + 1);

    MockRules rules;
    QString error;
    if (!rules.parse(file, &error)) {
        FUZZ_CHECK(!error.isEmpty());
        FUZZ_CHECK(rules.size() == 0);
        FUZZ_CHECK(!rules.answer(message, false).matched);
        return 0;
    }
    FUZZ_CHECK(rules.size() >= 1 && rules.size() <= MockRules::MaxRules);

    const MockRules::Answer text = rules.answer(message, false);
    checkAnswer(rules, text);
    FUZZ_CHECK(sameAnswer(text, rules.answer(message, false)));
    const MockRules::Answer binary = rules.answer(message, true);
    checkAnswer(rules, binary);
    if (binary.matched)
        FUZZ_CHECK(text.matched && text.rule <= binary.rule);
    // The rules file itself as a message (JSON, so pointers are looked up).
    checkAnswer(rules, rules.answer(file, false));
    return 0;
}
