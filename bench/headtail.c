/*
 * headtail: the I/O floor for scanning audio files' metadata.
 *
 * For each file: open, fstat, pread up to 64 KiB from the head and up to
 * 64 KiB from the tail (the part not already read with the head), close.
 * Nothing is parsed. A metadata reader that finds tags at the head (ID3,
 * FLAC blocks, faststart MP4) or at the tail (WAV/AIFF ID3 chunks after the
 * audio, MP4 moov after mdat) cannot do fundamentally less I/O than this,
 * so isrckit's whole-process time should match it.
 *
 *   cc -O2 -o bench/headtail bench/headtail.c -lpthread
 *   bench/headtail [-j THREADS] [-r FOLDER] [-l LIST] [FILE...]
 *
 * -r FOLDER walks FOLDER (readdir, entry types, no links followed, like
 * `find -type f`) and reads every regular file in it: the whole job of a
 * folder scanner, as `isrckit audit FOLDER` does it.
 * -l LIST reads paths from LIST, one per line ("-" for standard input):
 * the reading alone, the list made before the clock starts.
 * -j THREADS splits the files over that many threads (default 1); isrckit
 * reads in parallel, so compare it with -j (number of cores) as well.
 * Prints "headtail: FILES files, BYTES bytes read, ERRORS errors".
 * Exit status 0, or 1 when some file could not be opened or read.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WINDOW (64 * 1024)

/* Files are handed out one at a time from a shared counter. */
static size_t next_file;

struct job {
    char **paths;
    size_t len;
    uint64_t bytes;
    uint64_t files;
    uint64_t errors;
};

static void *run(void *arg)
{
    struct job *j = arg;
    unsigned char *buf = malloc(WINDOW);
    if (!buf) {
        perror("headtail");
        exit(2);
    }
    for (;;) {
        size_t i = __atomic_fetch_add(&next_file, 1, __ATOMIC_RELAXED);
        if (i >= j->len)
            break;
        int fd = open(j->paths[i], O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            fprintf(stderr, "headtail: %s: %s\n", j->paths[i], strerror(errno));
            j->errors++;
            continue;
        }
        struct stat st;
        if (fstat(fd, &st) != 0) {
            j->errors++;
            close(fd);
            continue;
        }
        off_t size = st.st_size;
        off_t head = size < WINDOW ? size : WINDOW;
        ssize_t n = head > 0 ? pread(fd, buf, (size_t)head, 0) : 0;
        if (n < 0) {
            j->errors++;
            close(fd);
            continue;
        }
        j->bytes += (uint64_t)n;
        off_t tail_start = size - WINDOW;
        if (tail_start < head)
            tail_start = head;
        if (tail_start < size) {
            n = pread(fd, buf, (size_t)(size - tail_start), tail_start);
            if (n < 0)
                j->errors++;
            else
                j->bytes += (uint64_t)n;
        }
        j->files++;
        close(fd);
    }
    free(buf);
    return NULL;
}

static void push(char ***paths, size_t *len, size_t *cap, const char *p)
{
    if (*len == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        *paths = realloc(*paths, *cap * sizeof **paths);
        if (!*paths) {
            perror("headtail");
            exit(2);
        }
    }
    (*paths)[(*len)++] = strdup(p);
}

/* Every regular file under `dir`, by readdir and each entry's type (no
 * stat per file, not following links), as walkdir does for isrckit. */
static void walk(char ***paths, size_t *len, size_t *cap, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "headtail: %s: %s\n", dir, strerror(errno));
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        if (!p) {
            perror("headtail");
            exit(2);
        }
        snprintf(p, n, "%s/%s", dir, e->d_name);
        if (e->d_type == DT_DIR)
            walk(paths, len, cap, p);
        else if (e->d_type == DT_REG)
            push(paths, len, cap, p);
        free(p);
    }
    closedir(d);
}

static void usage(void)
{
    fprintf(stderr, "usage: headtail [-j THREADS] [-r FOLDER] [-l LIST] [FILE...]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    char **paths = NULL;
    size_t len = 0, cap = 0;
    long threads = 1;
    int opt;
    while ((opt = getopt(argc, argv, "j:l:r:h")) != -1) {
        switch (opt) {
        case 'j':
            threads = strtol(optarg, NULL, 10);
            if (threads < 1 || threads > 256)
                usage();
            break;
        case 'r':
            walk(&paths, &len, &cap, optarg);
            break;
        case 'l': {
            FILE *f = strcmp(optarg, "-") == 0 ? stdin : fopen(optarg, "r");
            if (!f) {
                fprintf(stderr, "headtail: %s: %s\n", optarg, strerror(errno));
                return 2;
            }
            char *line = NULL;
            size_t n = 0;
            ssize_t got;
            while ((got = getline(&line, &n, f)) != -1) {
                while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
                    line[--got] = '\0';
                if (got > 0)
                    push(&paths, &len, &cap, line);
            }
            free(line);
            if (f != stdin)
                fclose(f);
            break;
        }
        default:
            usage();
        }
    }
    for (int i = optind; i < argc; i++)
        push(&paths, &len, &cap, argv[i]);
    if ((size_t)threads > len && len > 0)
        threads = (long)len;

    struct job *jobs = calloc((size_t)threads, sizeof *jobs);
    pthread_t *tids = calloc((size_t)threads, sizeof *tids);
    if (!jobs || !tids) {
        perror("headtail");
        return 2;
    }
    for (long t = 0; t < threads; t++) {
        jobs[t].paths = paths;
        jobs[t].len = len;
    }
    if (threads == 1) {
        run(&jobs[0]);
    } else {
        for (long t = 0; t < threads; t++)
            if (pthread_create(&tids[t], NULL, run, &jobs[t]) != 0) {
                perror("headtail: pthread_create");
                return 2;
            }
        for (long t = 0; t < threads; t++)
            pthread_join(tids[t], NULL);
    }
    uint64_t files = 0, bytes = 0, errors = 0;
    for (long t = 0; t < threads; t++) {
        files += jobs[t].files;
        bytes += jobs[t].bytes;
        errors += jobs[t].errors;
    }
    printf("headtail: %llu files, %llu bytes read, %llu errors\n",
           (unsigned long long)files, (unsigned long long)bytes,
           (unsigned long long)errors);
    return errors ? 1 : 0;
}
