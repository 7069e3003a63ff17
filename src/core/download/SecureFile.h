#pragma once

#include <QByteArray>
#include <QString>

namespace getbill::SecureFile {

/// File operations that do not trust the folder they work in. A download folder may be shared with other users
/// (a team folder, /tmp, a network share): a name in it may be a symbolic link, a hard link to someone else's file,
/// or a file another user made. These functions open without following links (O_NOFOLLOW; reparse points refused
/// on Windows), accept only regular files the user owns with one link, create files 0600 and never truncate or
/// rename anything they did not check first.

/// Identity of an open file: what a record binds to.
struct Identity
{
    quint64 device = 0;
    quint64 inode = 0;
    qint64 size = -1;
    bool operator==(const Identity &o) const { return device == o.device && inode == o.inode; }
};

/// Creates `path` (and parents) if needed and makes it 0700. False when it cannot, or when it is a link.
bool makePrivateFolder(const QString &path);

/// Reads at most `maxBytes` of a file of ours (owned by the user, regular, not a link, not readable by others is not
/// required); empty on any doubt.
QByteArray readPrivate(const QString &path, qint64 maxBytes);
/// Replaces `path` atomically with `bytes`, 0600. False when `path` is a link (never written through).
bool writePrivate(const QString &path, const QByteArray &bytes);

/// Creates a new file exclusively (never opens an existing one, never follows a link), 0600, for writing.
/// Returns a file descriptor (or -1 with `error` for the user; `exists` true when the name is taken).
int createNew(const QString &path, bool *exists, QString *error);
/// Opens an existing partial file for reading and appending, only if it is a regular file of the user's with one
/// link and the identity `expected`. -1 otherwise (with `error`).
int openOwn(const QString &path, const Identity &expected, QString *error);
/// The identity of an open file.
Identity identityOf(int fd);
/// The identity of what `path` names now, without following a link (device 0 when it is not a regular file of the
/// user's with one link).
Identity identityAt(const QString &path);

/// Closes a descriptor returned above.
void close(int fd);

} // namespace getbill::SecureFile
