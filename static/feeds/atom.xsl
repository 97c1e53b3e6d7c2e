<?xml version="1.0" encoding="utf-8"?>
<!-- Shows the archive's Atom feeds as a page when opened in a browser: what a feed is, how to subscribe, and the
     entries. Feed readers ignore it. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:atom="http://www.w3.org/2005/Atom"
                exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" indent="yes" doctype-system="about:legacy-compat"/>
  <xsl:template match="/atom:feed">
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="atom:title"/>（订阅源）</title>
        <style>
          body { margin: 0; font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; color: #1f2328; line-height: 1.7; }
          header { background: #a4161a; color: #fff; padding: .6rem 1rem; }
          header a { color: #fff; font-weight: 700; text-decoration: none; }
          main { max-width: 56rem; margin: 0 auto; padding: 1rem; }
          a { color: #0b5cad; }
          a:focus-visible { outline: 3px solid #0b5cad; outline-offset: 2px; }
          header a:focus-visible { outline-color: #fff; }
          .about { background: #fff8e1; border-left: 4px solid #9a6700; padding: .5rem 1rem; }
          code { background: #f6f8fa; padding: .1rem .3rem; overflow-wrap: anywhere; }
          li { margin: .6rem 0; }
          .meta { color: #57606a; font-size: .9rem; }
        </style>
      </head>
      <body>
        <header><a href="/">答复档案</a></header>
        <main>
          <h1><xsl:value-of select="atom:title"/></h1>
          <section class="about" aria-labelledby="about-heading">
            <h2 id="about-heading">这是一个订阅源</h2>
            <p>把本页地址复制到 RSS/Atom 阅读器（如 Feedly、Inoreader、Thunderbird 或手机上的阅读器应用）中订阅，
              有新的答复发布时阅读器会自动收到，无需反复打开网站。</p>
            <p>订阅地址：<code><xsl:value-of select="atom:link[@rel='self']/@href"/></code></p>
            <p><a href="/feeds/">更多说明和其他订阅源</a></p>
          </section>
          <h2>最新的 <xsl:value-of select="count(atom:entry)"/> 条</h2>
          <ol>
            <xsl:for-each select="atom:entry">
              <li>
                <a href="{atom:link/@href}"><xsl:value-of select="atom:title"/></a>
                <div class="meta"><xsl:value-of select="substring(atom:updated, 1, 10)"/>
                  <xsl:if test="atom:author/atom:name"> · <xsl:value-of select="atom:author/atom:name"/></xsl:if></div>
              </li>
            </xsl:for-each>
          </ol>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
