// The main() of a fuzz target outside libFuzzer: runs every file given, or every file in every
// folder given, through LLVMFuzzerTestOneInput once, so the corpus is an ordinary regression test.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QStringList>

#include <cstdint>
#include <cstdio>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    QStringList files;
    for (int i = 1; i < argc; ++i) {
        const QString path = QString::fromLocal8Bit(argv[i]);
        if (QFileInfo(path).isDir()) {
            QDirIterator it(path, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext())
                files << it.next();
        } else {
            files << path;
        }
    }
    files.sort();
    if (files.isEmpty()) {
        std::fprintf(stderr, "no corpus files given: usage %s FILE|FOLDER...\n", argv[0]);
        return 2;
    }
    for (const QString &path : files) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "%s: cannot be opened: %s\n", qPrintable(path),
                qPrintable(file.errorString()));
            return 2;
        }
        // A copy of exactly the file's size, so reads past the end are caught by ASan.
        const QByteArray content = file.readAll();
        std::vector<uint8_t> bytes(content.begin(), content.end());
        LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    }
    std::printf("%lld corpus inputs ran once, none failed\n", qlonglong(files.size()));
    return 0;
}
